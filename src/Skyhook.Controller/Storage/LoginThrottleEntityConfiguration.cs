using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class LoginThrottleEntityConfiguration : IEntityTypeConfiguration<LoginThrottleEntity>
{
    public void Configure(EntityTypeBuilder<LoginThrottleEntity> builder)
    {
        builder.ToTable("login_throttles");
        builder.HasKey(t => t.Key);
        builder.Property(t => t.Key).HasMaxLength(120);
    }
}
